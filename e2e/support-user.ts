/** The platform staff the browser tests sign in as; scripts/e2e.ts creates them with `admin:create`. */
export const E2E_SUPPORT_USER = {
  email: "support@stockhook.test",
  password: "support-e2e-password",
  name: "Sam Support",
  role: "SUPPORT",
};
export const E2E_ADMIN_USER = {
  email: "admin@stockhook.test",
  password: "admin-e2e-password",
  name: "Ada Admin",
  role: "ADMIN",
};
