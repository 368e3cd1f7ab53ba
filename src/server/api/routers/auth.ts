import { z } from "zod";
import { env } from "@/env";
import { createTRPCRouter, publicProcedure } from "@/server/api/trpc";
import type { AccountDeps } from "@/server/accounts/deps";
import { requestPasswordReset, resetPassword } from "@/server/accounts/password-reset";
import { clientAddress } from "@/server/accounts/rate-limits";
import { signUp } from "@/server/accounts/sign-up";
import { resendVerification } from "@/server/accounts/verification";
import type { TRPCContext } from "@/server/api/trpc";
import { TenantKind } from "@/generated/prisma/enums";

const password = z.string().min(10, "Use at least 10 characters").max(200);
const email = z.email("Enter a valid email address").max(200);

export const signUpInput = z
  .object({
    name: z.string().trim().min(1, "Enter your name").max(100),
    email,
    password,
    /** Absent when the person joins through an invitation instead of starting a workspace. */
    tenantName: z.string().trim().min(2, "Name your gallery, store or site").max(80).optional(),
    tenantKind: z.enum(TenantKind).optional(),
    next: z.string().max(2000).optional(),
  })
  .refine((input) => !input.tenantName || input.tenantKind, { path: ["tenantKind"], message: "Choose what you run" });

function accountDeps(ctx: TRPCContext): AccountDeps {
  return { prisma: ctx.prisma, mailer: ctx.mailer, appUrl: env().APP_URL, ip: clientAddress(ctx.headers) };
}

/** Account limits (RateLimitedError) answer 429 with the wait in words, the same for every address. */
export const authRouter = createTRPCRouter({
  /** Always "check your email", for new and known addresses alike: the mail says the rest. */
  signUp: publicProcedure.input(signUpInput).mutation(({ ctx, input }) => signUp(accountDeps(ctx), input)),

  resendVerification: publicProcedure.input(z.object({ email })).mutation(async ({ ctx, input }) => {
    await resendVerification(accountDeps(ctx), input.email);
    return { status: "check-email" as const };
  }),

  requestPasswordReset: publicProcedure.input(z.object({ email })).mutation(async ({ ctx, input }) => {
    await requestPasswordReset(accountDeps(ctx), input.email);
    return { status: "check-email" as const };
  }),

  resetPassword: publicProcedure
    .input(z.object({ token: z.string().max(200), password }))
    .mutation(({ ctx, input }) => resetPassword(ctx.prisma, input.token, input.password)),
});
