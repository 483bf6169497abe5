// Writes docs/errors.md from the error catalogue (npm run docs:errors). A test fails when they differ.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderErrorDocs } from '../src/shared/error-docs';
import { projectRoot } from '../src/shared/project-root';

const file = path.join(projectRoot(), 'docs', 'errors.md');
mkdirSync(path.dirname(file), { recursive: true });
writeFileSync(file, renderErrorDocs());
process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
