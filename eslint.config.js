import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'dist-bench/**', 'web/dist/**', 'node_modules/**', 'coverage/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // The installed command: sh, then CommonJS run by Node (bin/perfhound.cjs says why).
    files: ['bin/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { process: 'readonly', console: 'readonly', require: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Node scripts in plain JavaScript (build and fixture generators).
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  // The layering of DEVELOPERS.md: cli/server → analyze/ingest/test-analytics/output/auth/experiment → config → sources/store/detect → util;
  // integrations (HTTP clients) → util only.
  // A module may import only from its own folder and the layers below it.
  layer('src/util/**', ['config', 'sources', 'store', 'detect', 'analyze', 'ingest', 'test-analytics', 'output', 'auth', 'cli', 'server', 'demo', 'report', 'experiment', 'alerts', 'integrations']),
  // HTTP clients of Sippy, GitHub and Jira (issue 14): over util only, under analyze/output/cli.
  layer('src/integrations/**', ['config', 'sources', 'store', 'detect', 'analyze', 'ingest', 'test-analytics', 'output', 'auth', 'cli', 'server', 'demo', 'report', 'experiment', 'alerts']),
  layer('src/{sources,store,detect}/**', ['config', 'analyze', 'ingest', 'test-analytics', 'output', 'cli', 'server', 'demo', 'report', 'experiment', 'alerts', 'integrations']),
  layer('src/config/**', ['analyze', 'ingest', 'test-analytics', 'output', 'cli', 'server', 'demo', 'report', 'experiment', 'alerts', 'integrations']),
  layer('src/{analyze,ingest,test-analytics,output,auth,experiment}/**', ['cli', 'server', 'demo', 'alerts']),
  // Alerts (issue 15) run analyses after ingests: over analyze, under cli/server.
  layer('src/alerts/**', ['cli', 'server', 'demo']),
  // Run reports (seed 002) sit beside analyze: over config, sources and store, under cli/server.
  layer('src/report/**', ['analyze', 'ingest', 'test-analytics', 'output', 'auth', 'cli', 'server', 'demo', 'experiment']),
);

/** Forbids the files matched by `files` to import from the named top-level folders of src/. */
function layer(files, forbidden) {
  const group = forbidden.flatMap((folder) => [`**/${folder}/*`, `**/${folder}/**`, `../${folder}/*`]);
  return {
    files: [files],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group, message: 'breaks the layering of DEVELOPERS.md' }] }] },
  };
}
