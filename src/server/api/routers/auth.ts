import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, publicProcedure } from "@/server/api/trpc";
import { EmailTakenError, registerOwner } from "@/server/tenancy/tenants";

export const signUpInput = z.object({
  name: z.string().trim().min(1, "Enter your name").max(100),
  email: z.email("Enter a valid email address").max(200),
  password: z.string().min(10, "Use at least 10 characters").max(200),
  tenantName: z.string().trim().min(2, "Name your gallery, store or site").max(80),
  tenantKind: z.enum(["GALLERY", "STORE", "ERP"]),
});

export const authRouter = createTRPCRouter({
  signUp: publicProcedure.input(signUpInput).mutation(async ({ ctx, input }) => {
    try {
      const { tenant } = await registerOwner(ctx.prisma, input);
      return { tenantSlug: tenant.slug };
    } catch (error) {
      if (error instanceof EmailTakenError) throw new TRPCError({ code: "CONFLICT", message: error.message });
      throw error;
    }
  }),
});
