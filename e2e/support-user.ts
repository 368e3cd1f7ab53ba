/** The support staff member the browser tests sign in as; scripts/e2e.ts creates it with `admin:create`. */
export const E2E_SUPPORT_USER = { email: "support@stockhook.test", password: "support-e2e-password", name: "Sam Support" };
