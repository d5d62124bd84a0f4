// `pnpm send <vendor> --to URL --ticket ID --subject TEXT`: one signed webhook delivery, as the vendor sends it.
import { sendMain } from './sender/cli';

process.exitCode = await sendMain(process.argv.slice(2));
