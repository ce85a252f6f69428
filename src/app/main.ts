import { createApp } from 'vue';
import App from './App.vue';
import { router } from './router';
import './styles.css';

const app = createApp(App);
const modules = import.meta.glob<{ install: (ctx: { app: typeof app; router: typeof router }) => void }>('./modules/*.ts', { eager: true });
for (const m of Object.values(modules)) m.install({ app, router });
app.use(router);
app.mount('#app');
