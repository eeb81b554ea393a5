// `node --import ./tests/support/module-trace.mjs …` appends the URL of every module the ES loader loads (and of
// every CommonJS package entered from ES code) to the file named by MODULE_TRACE_FILE: what a process imported.
import { register } from 'node:module';

register('./module-trace-hooks.mjs', import.meta.url, { data: { file: process.env.MODULE_TRACE_FILE } });
