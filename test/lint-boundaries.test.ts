/** The boundaries eslint.config.js keeps: each is refused where the README's tree says it must be. */
import { readdirSync } from 'node:fs';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('lint boundaries', () => {
  it('refuses I/O and outer folders in src/core, but allows zod and core files', async () => {
    expect(await problems('src/core/example.ts', "import pg from 'pg';\nexport const x = pg;\n")).toEqual([
      "no-restricted-imports: 'pg' import is restricted from being used by a pattern. src/core imports nothing outside itself but zod (no I/O).",
    ]);
    expect(await problems('src/core/example.ts', "import { db } from '../db/database.ts';\nexport const x = db;\n")).toHaveLength(1);
    expect(await problems('src/core/example.ts', "import { z } from 'zod';\nimport { SYSTEM } from './actor.ts';\nexport const x = [z, SYSTEM];\n")).toEqual(
      [],
    );
  });

  // Every connector folder, so a new destination is held to the same rules without touching this file.
  const connectors = readdirSync(new URL('../src/connectors', import.meta.url), { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'kit')
    .map((d) => d.name);

  it.each(connectors)('refuses connector %s importing the database, use cases, config or core beyond its ports', async (folder) => {
    for (const from of ['../../db/database.ts', '../../usecases/add-comment.ts', '../../config.ts', '../../core/request.ts']) {
      expect(await problems(`src/connectors/${folder}/example.ts`, `import * as m from '${from}';\nexport const x = m;\n`), from).toHaveLength(1);
    }
    expect(
      await problems(
        `src/connectors/${folder}/example.ts`,
        "import * as a from '../kit/errors.ts';\nimport * as b from '../../core/destination.ts';\nexport const x = [a, b];\n",
      ),
    ).toEqual([]);
  });

  it('lets the web import server shapes and zod as types only, and runtime values from src/core', async () => {
    for (const from of ['../../server/schemas/user.ts', '../../db/database.ts', '../../connectors/kustomer/wire.ts', '../../config.ts', 'zod']) {
      expect(await problems('src/web/api/example.ts', `import { x } from '${from}';\nexport const y = x;\n`), from).toHaveLength(1);
      expect(await problems('src/web/api/example.ts', `import type { x } from '${from}';\nexport type Y = x;\n`), from).toEqual([]);
    }
    expect(await problems('src/web/api/example.ts', "import { STATUSES } from '../../core/request.ts';\nexport const y = STATUSES;\n")).toEqual([]);
  });

  it("refuses a screen that names a destination by comparing its id, but not a destination's settings", async () => {
    const code = "export const name = (id: string) => (id === 'kustomer' ? 'Kustomer' : id);\n";
    expect(await problems('src/web/features/requests/example.tsx', code)).toEqual([
      'no-restricted-syntax: Name a destination with useDestinationName, not by comparing its id.',
    ]);
    expect(await problems('src/web/features/settings/example.tsx', code)).toEqual([]);
  });

  it('refuses process.env outside src/config.ts', async () => {
    expect(await problems('src/server/example.ts', 'export const port = process.env.PORT;\n')).toEqual([
      "no-restricted-properties: 'process.env' is restricted from being used. Environment variables are read only in src/config.ts.",
    ]);
    expect(await problems('src/config.ts', 'export const port = process.env.PORT;\n')).toEqual([]);
  });
});
