import { createRouter, createWebHistory } from 'vue-router';

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes: [
    { path: '/', name: 'home', component: () => import('@/pages/HomePage.vue') },
    { path: '/classes/:classId', name: 'class', component: () => import('@/pages/ClassPage.vue'), props: true },
    { path: '/classes/:classId/import', name: 'roster-import', component: () => import('@/pages/RosterImportPage.vue'), props: true },
    { path: '/classes/:classId/students/:studentId', name: 'student', component: () => import('@/pages/StudentPage.vue'), props: true },
    { path: '/classes/:classId/sessions/:sessionId', name: 'session', component: () => import('@/pages/SessionPage.vue'), props: true },
    { path: '/classes/:classId/reports', name: 'reports', component: () => import('@/pages/ReportsPage.vue'), props: true },
    { path: '/classes/:classId/analytics', name: 'class-analytics', component: () => import('@/pages/AnalyticsPage.vue'), props: true },
    { path: '/analytics', name: 'analytics', component: () => import('@/pages/AnalyticsPage.vue') },
    { path: '/settings', name: 'settings', component: () => import('@/pages/SettingsPage.vue') },
    { path: '/sign-in', name: 'sign-in', component: () => import('@/pages/SignInPage.vue') },
    { path: '/sync', name: 'sync', component: () => import('@/pages/SyncPage.vue') },
    { path: '/photo', name: 'photo', component: () => import('@/pages/PhotoCheckPage.vue') },
    { path: '/record', name: 'record', component: () => import('@/pages/FamilyPage.vue') },
    { path: '/record/:studentId/days/:sessionId', name: 'record-day', component: () => import('@/pages/RecordDayPage.vue'), props: true },
    { path: '/children/:studentId', name: 'child-settings', component: () => import('@/pages/ChildSettingsPage.vue'), props: true },
    { path: '/review', name: 'review', component: () => import('@/pages/ReviewPage.vue') },
    { path: '/school', name: 'school', component: () => import('@/pages/SchoolPage.vue') },
    { path: '/kiosk', name: 'kiosk', component: () => import('@/pages/KioskPage.vue') },
    { path: '/:pathMatch(.*)*', redirect: '/' },
  ],
});

// A locked kiosk stays the kiosk: a reload or a typed address can't leave it; only the teacher's PIN unlocks it.
router.beforeEach(async (to) => {
  if (to.name === 'kiosk') return true;
  const { isKioskLocked } = await import('@/stores/kiosk');
  return (await isKioskLocked()) ? { name: 'kiosk' } : true;
});
