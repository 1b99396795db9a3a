// ESLint (flat config) for the site's front-end modules in overrides/src/.
import js from "@eslint/js";
import globals from "globals";

export default [
  js.configs.recommended,
  {
    files: ["overrides/src/**/*.js"],
    languageOptions: {
      ecmaVersion: 2019,
      sourceType: "module",
      globals: { ...globals.browser },
    },
    rules: {
      "no-var": "error",
      "prefer-const": "error",
      eqeqeq: ["error", "always"],
      "no-implicit-globals": "error",
      "no-restricted-properties": [
        "error",
        { object: "window", property: "jobbookProgress", message: "share state through store.js" },
        { object: "window", property: "jobbookTools", message: "import the module instead" },
      ],
    },
  },
];
