import { ConfigurationError } from '@expedientes/shared-kernel/adapters/runtime';
import { documentsSettings } from '../../src/infrastructure/config';
import { attachment } from '../../src/infrastructure/http/content-disposition';

describe('documentsSettings', () => {
  it('defaults to 50 MiB, a day to claim an upload and an hourly sweep', () => {
    expect(documentsSettings({})).toEqual({
      maxBytes: 50 * 1024 * 1024,
      stagedUploadTtlMs: 86_400_000,
      sweepIntervalMs: 3_600_000,
    });
  });

  it('sweeps as often as the time to live when that is shorter, unless told', () => {
    expect(documentsSettings({ STAGED_UPLOAD_TTL_SECONDS: '60' }).sweepIntervalMs).toBe(60_000);
    expect(
      documentsSettings({
        STAGED_UPLOAD_TTL_SECONDS: '60',
        STAGED_UPLOAD_SWEEP_INTERVAL_SECONDS: '5',
        DOCUMENT_MAX_BYTES: '1024',
      }),
    ).toEqual({ maxBytes: 1024, stagedUploadTtlMs: 60_000, sweepIntervalMs: 5_000 });
  });

  it('names every malformed variable', () => {
    const error = (() => {
      try {
        documentsSettings({ DOCUMENT_MAX_BYTES: 'mucho', STAGED_UPLOAD_TTL_SECONDS: '-1' });
      } catch (caught) {
        return caught as ConfigurationError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error?.problems).toEqual([
      expect.stringMatching(/^DOCUMENT_MAX_BYTES: /),
      expect.stringMatching(/^STAGED_UPLOAD_TTL_SECONDS: /),
    ]);
  });
});

describe('attachment (Content-Disposition)', () => {
  it('gives the name in UTF-8 and an ASCII stand-in for old clients', () => {
    expect(attachment('Resolución nº 5 (firmada).pdf')).toBe(
      `attachment; filename="Resolucion no 5 (firmada).pdf"; ` +
        `filename*=UTF-8''Resoluci%C3%B3n%20n%C2%BA%205%20%28firmada%29.pdf`,
    );
  });

  it('never lets a name break out of its quotes or parameter', () => {
    expect(attachment(`a"b\\c'd*%.txt`)).toBe(
      `attachment; filename="a_b_c'd*_.txt"; filename*=UTF-8''a%22b%5Cc%27d%2A%25.txt`,
    );
    expect(attachment('日本.txt')).toBe(
      `attachment; filename="__.txt"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt`,
    );
  });
});
