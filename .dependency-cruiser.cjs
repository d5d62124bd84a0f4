/**
 * The layering rules CI checks (`pnpm layers`): no import cycles; another package is reached only
 * through its public `src/index.ts`, by its package name; apps never import each other; packages
 * never import apps.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle: the modules involved cannot be understood, tested or loaded one at a time.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-deep-import',
      severity: 'error',
      comment: 'Another package is used through its public src/index.ts only (import it by its package name).',
      from: { path: '^(apps|packages)/([^/]+)/' },
      to: {
        path: '^(apps|packages)/[^/]+/',
        pathNot: ['^$1/$2/', '^(apps|packages)/[^/]+/src/index\\.ts$'],
      },
    },
    {
      name: 'no-deep-import-from-tools',
      severity: 'error',
      comment:
        "Scripts, benchmarks and repository tests use a package through its public src/index.ts only; repository tests may share an app's test support.",
      from: { path: '^(scripts|bench|test)/' },
      to: {
        path: '^(apps|packages)/[^/]+/',
        pathNot: ['^(apps|packages)/[^/]+/src/index\\.ts$', '^apps/[^/]+/test/support/'],
      },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment:
        "An import that does not resolve, such as a path into a package past its exports ('@ticket-rooms/x/src/...').",
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-app-to-app',
      severity: 'error',
      comment:
        "Apps are deployed apart; what two apps share belongs in a package. An app's own end-to-end tests may start another app through its public index.",
      from: { path: '^apps/([^/]+)/src/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'no-package-to-app',
      severity: 'error',
      comment: 'Packages sit below the apps and never import them.',
      from: { path: '^packages/' },
      to: { path: '^apps/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
