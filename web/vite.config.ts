import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is built into web/dist and served by the API server at /.
// `npm run dev:web` serves it with hot reload and sends /v1 to a server on :8080.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 500 },
  server: { proxy: { '/v1': 'http://localhost:8080', '/docs': 'http://localhost:8080' } },
});
