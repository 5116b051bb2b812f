/** Every sentence the dashboard's handler shows (its page text is in dashboard.view.ts). */
export const DASHBOARD_MESSAGES = {
  title: "Dashboard",
} as const;
