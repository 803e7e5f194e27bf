import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// In development the gateway (npm start, :8080, or GATEWAY_URL) answers the API and the login.
const gateway = process.env.GATEWAY_URL ?? 'http://localhost:8080';

export default defineConfig({
  plugins: [vue()],
  server: {
    port: Number(process.env.PORT ?? 5173),
    strictPort: true,
    proxy: Object.fromEntries(
      ['/api', '/login', '/logout', '/auth'].map((path) => [path, { target: gateway }]),
    ),
  },
  build: { outDir: 'dist', emptyOutDir: true },
});
