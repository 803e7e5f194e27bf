import { createApp } from 'vue';
import App from './App.vue';
import { router } from './router';
import './styles.css';

const app = createApp(App).use(router);
// Mounted once the first route is known, so the page starts where the address says.
void router.isReady().then(() => app.mount('#app'));
