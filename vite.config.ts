import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { compression } from 'vite-plugin-compression2';

export default defineConfig({
  root: 'src/web',
  // Brotli and gzip copies of every asset next to it, so the server sends them without compressing per request.
  plugins: [react(), compression({ algorithms: ['brotliCompress', 'gzip'], include: /\.(js|css|html|svg|json)$/, threshold: 0 })],
  // The compression plugin's time is expected (it is most of a build): no timing warning for it.
  build: { outDir: '../../dist/web', emptyOutDir: true, rolldownOptions: { checks: { pluginTimings: false } } },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
