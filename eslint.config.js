import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import globals from 'globals';

// ---- Import boundaries ----
// Value imports flow one way: pages → stores → (sync → db → privacy/attendance/…) → ml → contracts.
// Type-only imports may cross (a rule may speak of a row's type; nothing of it runs).
const FOLDERS = ['app', 'pages', 'components', 'composables', 'stores', 'sw', 'sync', 'db', 'api', 'school', 'enrolment', 'privacy', 'reports', 'analytics', 'attendance', 'ml'];
const PURE = ['attendance', 'analytics', 'reports', 'privacy', 'enrolment', 'school', 'ml'];
const MAY_IMPORT = {
  ml: [],
  attendance: ['ml'],
  analytics: ['attendance', 'ml'],
  reports: ['analytics', 'attendance', 'ml'],
  privacy: ['attendance', 'ml'],
  enrolment: ['privacy', 'ml'],
  school: [],
  api: [],
  db: ['api', 'privacy', 'attendance', 'ml'],
  sync: ['db', 'api', 'privacy', 'attendance', 'ml'],
  sw: ['sync', 'db', 'api', 'privacy', 'attendance', 'ml'],
  stores: ['sync', 'db', 'api', ...PURE],
  composables: [],
  // Screens reach the database, the server and the sync verbs only through the stores.
  components: ['stores', 'composables', ...PURE],
  pages: ['components', 'stores', 'composables', ...PURE],
  app: FOLDERS.filter((f) => f !== 'app'),
};
const BELOW_STORES = ['ml', 'attendance', 'analytics', 'reports', 'privacy', 'enrolment', 'school', 'api', 'db', 'sync', 'sw'];
const boundaries = Object.entries(MAY_IMPORT).map(([folder, allowed]) => {
  const banned = FOLDERS.filter((f) => f !== folder && !allowed.includes(f));
  const patterns = banned.map((f) => ({
    group: [`@/${f}`, `@/${f}/**`],
    allowTypeImports: true,
    message: `src/${folder}/ may not import from src/${f}/ (see CONTRIBUTING.md, "Imports flow one way").`,
  }));
  const paths = BELOW_STORES.includes(folder)
    ? ['vue', 'pinia', 'vue-router'].map((name) => ({ name, message: `Nothing below src/stores/ imports ${name}.` }))
    : [];
  return {
    files: [`src/${folder}/**/*.{ts,vue}`],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns }],
    },
  };
});

export default tseslint.config(
  { ignores: ['dist/**', 'dev-dist/**', 'public/models/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node, __APP_BUILD__: 'readonly' } },
    rules: {
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...boundaries,
  {
    // A file over 400 lines is doing more than one job: split it by job.
    files: ['src/**/*.{ts,vue}', 'supabase/functions/**/*.ts'],
    ignores: ['**/*.test.ts', '**/*_test.ts', 'src/api/database.types.ts'],
    rules: { 'max-lines': ['error', { max: 400 }] },
  },
);
