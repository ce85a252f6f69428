/**
 * The import boundaries in eslint.config.js, run on small files as if they
 * sat in the folders named: each wall must stop what it is there to stop,
 * and let through what the layering allows.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('import boundaries', () => {
  it.each([
    ['src/ml/example.ts', "import { getDb } from '@/db/db';\nexport const x = getDb;\n", /ml\/ may not import from src\/db/],
    ['src/db/example.ts', "import { pushOutbox } from '@/sync/pushOutbox';\nexport const x = pushOutbox;\n", /db\/ may not import from src\/sync/],
    ['src/attendance/example.ts', "import { ref } from 'vue';\nexport const x = ref(1);\n", /below src\/stores\/ imports vue/],
    ['src/sync/example.ts', "import { defineStore } from 'pinia';\nexport const x = defineStore;\n", /below src\/stores\/ imports pinia/],
    ['src/components/Example.vue', "<script setup lang=\"ts\">\nimport { getDb } from '@/db/db';\nconst x = getDb;\n</script>\n<template><p>{{ x }}</p></template>\n", /components\/ may not import from src\/db/],
    ['src/stores/example.ts', "import { x } from '@/pages/HomePage.vue';\nexport const y = x;\n", /stores\/ may not import from src\/pages/],
  ])('%s: refused', async (filePath, code, message) => {
    expect(await boundaryErrors(filePath, code)).toEqual([expect.stringMatching(message)]);
  });

  it.each([
    ['src/stores/example.ts', "import { getDb } from '@/db/db';\nexport const x = getDb;\n"],
    ['src/privacy/example.ts', "import type { ConsentRow } from '@/db/consents';\nexport type X = ConsentRow;\n"],
    ['src/ml/example.ts', "import { CLASSIFIER_MAGIC } from '@contracts/classifierFormat';\nexport const x = CLASSIFIER_MAGIC;\n"],
    ['src/pages/Example.vue', "<script setup lang=\"ts\">\nimport { useSyncStore } from '@/stores/sync';\nconst s = useSyncStore();\n</script>\n<template><p>{{ s }}</p></template>\n"],
  ])('%s: allowed', async (filePath, code) => {
    expect(await boundaryErrors(filePath, code)).toEqual([]);
  });
});
