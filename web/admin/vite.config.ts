/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// One script with a fixed name (BigDesign styles through styled-components, so no stylesheet): `/load` links them with a content digest,
// and AppLifecycleFunction serves them from the folder it is packaged with.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "../../functions/app_lifecycle/static",
    emptyOutDir: true,
    manifest: false,
    target: "es2022",
    chunkSizeWarningLimit: 800,
    rolldownOptions: {
      input: "src/main.tsx",
      output: {
        entryFileNames: "admin.js",
        inlineDynamicImports: true,
      },
    },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test-setup.ts"],
  },
});
