import { createRouter, createWebHistory } from 'vue-router';

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes: [
    { path: '/', name: 'home', component: () => import('@/pages/HomePage.vue') },
    { path: '/photo', name: 'photo', component: () => import('@/pages/PhotoCheckPage.vue') },
    { path: '/:pathMatch(.*)*', redirect: '/' },
  ],
});
