// BullMQ's own Lua scripts, as its Redis connection defines them (includes resolved). BullMQ ships
// no types for this module; the shape is the one each of its `dist/cjs/scripts/*.js` exports.
declare module 'bullmq/dist/cjs/scripts/addStandardJob-9.js' {
  export const addStandardJob: { name: string; content: string; keys: number };
}
