/** One formatter decides layout; `npm run format` writes it, `npm run lint` checks it. */
const config = {
  printWidth: 120,
  plugins: ["prettier-plugin-tailwindcss"],
  // Tailwind 4 keeps its configuration in CSS; the plugin reads it to sort classes.
  tailwindStylesheet: "./src/app/globals.css",
};

export default config;
