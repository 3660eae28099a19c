import { defaultLogFormat, logFormatOf, prettyLine } from './log-format';

describe('log format', () => {
  it('is JSON unless stdout is a terminal; LOG_FORMAT decides when valid', () => {
    expect(defaultLogFormat(false)).toBe('json');
    expect(defaultLogFormat(true)).toBe('pretty');
    expect(logFormatOf({ LOG_FORMAT: 'pretty' }, false)).toBe('pretty');
    expect(logFormatOf({ LOG_FORMAT: 'json' }, true)).toBe('json');
    // a bad value is the configuration's to report; the lines meanwhile follow the terminal
    expect(logFormatOf({ LOG_FORMAT: 'xml' }, false)).toBe('json');
  });

  it('writes a pino line as time, level, context, message, fields and the stack below', () => {
    const line = JSON.stringify({
      level: 50,
      time: Date.UTC(2026, 11, 8, 1, 2, 3, 45),
      pid: 1,
      hostname: 'h',
      context: 'ProblemFilter',
      requestId: 'r-1',
      err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at x (y.js:1:1)' },
      msg: 'Unhandled error',
    });
    expect(prettyLine(`${line}\n`)).toBe(
      '01:02:03.045 ERROR [ProblemFilter] Unhandled error requestId=r-1 err={"type":"Error","message":"boom"}\n' +
        '    Error: boom\n        at x (y.js:1:1)\n',
    );
    expect(prettyLine(line, true)).toContain('\u001b[31mERROR\u001b[0m');
    expect(prettyLine('not json\n')).toBe('not json\n');
  });
});
