import { describe, expect, it } from 'vitest';

describe('test services', () => {
  it('hands the FerretDB address to test files', () => {
    expect(process.env.CRAWL_DIAG_TEST_MONGO_URL).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
  });
});
