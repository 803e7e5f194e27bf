import { createRouter, createWebHistory } from 'vue-router';
import ExpedienteDetail from './views/ExpedienteDetail.vue';
import ExpedientesList from './views/ExpedientesList.vue';
import MisTareas from './views/MisTareas.vue';
import NotFound from './views/NotFound.vue';
import NuevoExpediente from './views/NuevoExpediente.vue';
import UsuariosAdmin from './views/UsuariosAdmin.vue';

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', redirect: '/tareas' },
    { path: '/tareas', name: 'tareas', component: MisTareas },
    { path: '/expedientes', name: 'lista', component: ExpedientesList },
    { path: '/expedientes/nuevo', name: 'nuevo', component: NuevoExpediente },
    { path: '/expedientes/:id', name: 'detalle', component: ExpedienteDetail, props: true },
    { path: '/usuarios', name: 'usuarios', component: UsuariosAdmin },
    { path: '/:rest(.*)*', name: 'no-encontrada', component: NotFound },
  ],
});
