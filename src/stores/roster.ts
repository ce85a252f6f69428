/** Classes and their students, as the pages show them. */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { getDb, type RollcallDb } from '@/db/db';
import { addStudents, createClass, deleteClass, deleteStudent, listClasses, listStudents, updateClass, updateStudent, type ClassRow, type NewClass, type NewStudent, type StudentRow } from '@/db/classes';
import { sampleCounts } from '@/db/faceSamples';
import type { CountryCode } from 'libphonenumber-js';
import { readRosterInWorker } from '@/reports/roster/importRoster';
import type { RosterPreview, RosterProgress } from '@/reports/roster/types';

export const useRosterStore = defineStore('roster', () => {
  const dbRef = shallowRef<RollcallDb | null>(null);
  const classes = ref<ClassRow[]>([]);
  const currentClassId = ref<string | null>(null);
  const students = ref<StudentRow[]>([]);
  const photoCounts = ref<Record<string, number>>({});
  const loaded = ref(false);

  const db = () => dbRef.value ?? getDb();
  const currentClass = computed(() => classes.value.find((c) => c.id === currentClassId.value) ?? null);

  /** Tests pass a database of their own. */
  function configure(options: { db: RollcallDb }) {
    dbRef.value = options.db;
  }

  async function loadClasses() {
    classes.value = await listClasses(db());
    loaded.value = true;
  }

  async function openClass(classId: string) {
    if (!loaded.value || !classes.value.some((c) => c.id === classId)) await loadClasses();
    currentClassId.value = classId;
    await refreshStudents();
    return currentClass.value;
  }

  async function refreshStudents() {
    const id = currentClassId.value;
    if (!id) return;
    const [rows, counts] = await Promise.all([listStudents(db(), id), sampleCounts(db(), id)]);
    students.value = rows;
    photoCounts.value = Object.fromEntries(counts);
  }

  async function addClass(input: NewClass) {
    const row = await createClass(db(), input);
    await loadClasses();
    return row;
  }

  async function editClass(id: string, changes: Parameters<typeof updateClass>[2]) {
    await updateClass(db(), id, changes);
    await loadClasses();
  }

  async function removeClass(id: string) {
    await deleteClass(db(), id);
    if (currentClassId.value === id) currentClassId.value = null;
    await loadClasses();
  }

  async function addToRoster(rows: readonly NewStudent[]) {
    if (!currentClassId.value) throw new Error('Open a class first.');
    const added = await addStudents(db(), currentClassId.value, rows);
    await refreshStudents();
    return added;
  }

  /** Reads a CSV or XLSX roster in a worker: a preview with per-row errors, nothing saved yet. */
  async function previewImport(file: File, onProgress?: (p: RosterProgress) => void): Promise<RosterPreview> {
    const cls = currentClass.value;
    if (!cls) throw new Error('Open a class first.');
    return readRosterInWorker(file, { defaultCountry: cls.defaultCountry as CountryCode, existingRollNos: students.value.map((s) => s.rollNo) }, onProgress);
  }

  /** Saves the rows without errors, all in one transaction. */
  async function confirmImport(preview: RosterPreview) {
    const rows = preview.rows.filter((r) => r.errors.length === 0).map((r) => r.values);
    if (!rows.length) throw new Error('No row can be imported: fix the errors in the file and try again.');
    return addToRoster(rows);
  }

  async function editStudent(id: string, changes: Partial<NewStudent>) {
    await updateStudent(db(), id, changes);
    await refreshStudents();
  }

  async function removeStudent(id: string) {
    await deleteStudent(db(), id);
    await refreshStudents();
  }

  return {
    classes, currentClassId, currentClass, students, photoCounts, loaded,
    configure, loadClasses, openClass, refreshStudents, addClass, editClass, removeClass, addToRoster, previewImport, confirmImport, editStudent, removeStudent,
  };
});
