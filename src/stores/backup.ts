/**
 * Backing up this device to a file and restoring one: export → download;
 * pick a file → check it and show what it holds → the teacher confirms
 * replace or merge. Nothing is written until the confirm.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { getDb, type RollcallDb } from '@/db/db';
import { BACKUP_FACE_DATA_WARNING, backupFileName, exportBackup, readBackup, restoreBackup, type BackupSummary, type ParsedBackup, type RestoreMode, type RestoreResult } from '@/db/backup';
import { downloadBlob } from '@/reports';
import { describeError } from './errors';

export type SaveFile = (blob: Blob, fileName: string) => void;

export const useBackupStore = defineStore('backup', () => {
  const dbRef = shallowRef<RollcallDb | null>(null);
  let saveFile: SaveFile = downloadBlob;
  let now = () => new Date();
  const db = () => dbRef.value ?? getDb();

  /** What is happening, in words, while it happens. */
  const progress = ref<string | null>(null);
  const error = ref<string | null>(null);
  const lastBackup = ref<{ fileName: string; bytes: number } | null>(null);
  /** The chosen file, checked, waiting for the teacher's confirm. */
  const chosenName = ref<string | null>(null);
  const preview = shallowRef<BackupSummary | null>(null);
  const restored = shallowRef<RestoreResult | null>(null);
  let pending: ParsedBackup | null = null;

  function configure(options: { db?: RollcallDb; saveFile?: SaveFile; now?: () => Date }) {
    if (options.db) dbRef.value = options.db;
    if (options.saveFile) saveFile = options.saveFile;
    if (options.now) now = options.now;
  }

  async function run(message: string, work: () => Promise<void>) {
    if (progress.value) return;
    progress.value = message;
    error.value = null;
    try {
      await work();
    } catch (err) {
      error.value = describeError(err);
    } finally {
      progress.value = null;
    }
  }

  function backUp() {
    return run('Saving a backup of this device…', async () => {
      const at = now();
      const blob = await exportBackup(db(), { now: at });
      const fileName = backupFileName(at);
      saveFile(blob, fileName);
      lastBackup.value = { fileName, bytes: blob.size };
    });
  }

  function cancel() {
    pending = null;
    preview.value = null;
    chosenName.value = null;
    error.value = null;
  }

  function choose(file: File) {
    return run('Checking the backup…', async () => {
      cancel();
      restored.value = null;
      const parsed = await readBackup(file, db());
      pending = parsed;
      chosenName.value = file.name;
      preview.value = parsed.summary;
    });
  }

  function confirm(mode: RestoreMode) {
    return run(mode === 'replace' ? 'Replacing the data on this phone…' : 'Adding the backup’s data…', async () => {
      if (!pending) throw new Error('Choose a backup file first.');
      restored.value = await restoreBackup(db(), pending, { mode });
      cancel();
    });
  }

  /** What whoever saves a backup must be told: the file holds face data unsealed. */
  const faceDataWarning = BACKUP_FACE_DATA_WARNING;
  return { progress, error, lastBackup, chosenName, preview, restored, faceDataWarning, configure, backUp, choose, confirm, cancel };
});

