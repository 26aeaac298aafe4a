/**
 * `synfin report CAPTURE... -o report.html` (STUB: owned by the HTML report work).
 */
import type { CommandModule } from 'yargs';

export const reportCommand: CommandModule = {
  command: 'report <captures..>',
  describe: 'Write a self-contained HTML report',
  handler: () => {
    throw new Error('not implemented yet');
  },
};
