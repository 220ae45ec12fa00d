// tasks.ts — the module workers import (its top level has no side effects)
import { defineTask } from 'isolane/task';

export const userStats = defineTask(import.meta.url, 'userStats', async (id: number) => ({
  id,
  posts: id * 2,
}));
