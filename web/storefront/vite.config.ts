/// <reference types="vitest/config" />
import { defineConfig } from "vite";

// One classic script (BigCommerce's Script Manager adds a plain <script src>, not a module),
// served by AppLifecycleFunction from the folder it is packaged with.
export default defineConfig({
  build: {
    outDir: "../../functions/app_lifecycle/storefront",
    emptyOutDir: true,
    target: "es2019",
    lib: {
      entry: "src/main.ts",
      formats: ["iife"],
      name: "BcSubscriptions",
      fileName: () => "storefront.js",
    },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
  },
});
