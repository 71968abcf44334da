import fs from 'node:fs';
import path from 'node:path';
import { stageTableName } from '../../scripts/seed-catalog';
import { packageStage, type PackagedStage } from './package-stage';
import { lambdaFunctions, type LambdaFunction } from './template-checks';
import { zipEntries } from './zip-entries';

/**
 * `sls package --stage rehearsal`: the stage `sls deploy` sends to LocalStack (docs/deploy.md#rehearsal).
 * serverless-localstack is active there and replaces serverless-esbuild's
 * after:package:createDeploymentArtifacts hook, the one that disposed of esbuild's build contexts:
 * without `custom.esbuild.skipRebuild` for this stage, the packaging finishes and the process never
 * exits (measured: still running after 90 s). The timeout below turns that into a failure.
 */

/** Well above the ~25 s a packaging takes here, well below jest's limit for the hook. */
const EXIT_WITHIN_MS = 150_000;

let rehearsal: PackagedStage;
let functions: Map<string, LambdaFunction>;

beforeAll(() => {
  rehearsal = packageStage('rehearsal', { timeoutMs: EXIT_WITHIN_MS });
  functions = lambdaFunctions(rehearsal.template, 'orderflow-rehearsal-');
}, EXIT_WITHIN_MS + 30_000);

afterAll(() => rehearsal?.cleanup());

describe('sls package --stage rehearsal (serverless-localstack)', () => {
  test('serverless-localstack is active for the stage and points Serverless at LocalStack', () => {
    expect(rehearsal.output).toContain('Using serverless-localstack');
    expect(rehearsal.output).not.toContain('Skipping serverless-localstack');
  });

  test('exits, with the template and one zip per function holding its handler', () => {
    const declared = Object.keys(rehearsal.state.service.functions).sort();
    expect([...functions.keys()].sort()).toEqual(declared);
    expect(declared.length).toBeGreaterThan(0);
    for (const fn of functions.values()) {
      const handlerFile = `${String(fn.resource.Properties.Handler).replace(/\.[^.]+$/, '')}.js`;
      expect({ fn: fn.name, entries: zipEntries(path.join(rehearsal.packageDir, `${fn.name}.zip`)).map((entry) => entry.name) }).toEqual({
        fn: fn.name,
        entries: expect.arrayContaining([handlerFile]),
      });
    }
  });

  test("the stage's table is named as seed:catalog names it (scripts/seed-catalog.ts)", () => {
    const table = Object.values(rehearsal.template.Resources).find((resource) => resource.Type === 'AWS::DynamoDB::Table');
    expect(table?.Properties.TableName).toBe(stageTableName('rehearsal'));
    expect(fs.existsSync(path.join(rehearsal.packageDir, 'cloudformation-template-update-stack.json'))).toBe(true);
  });
});
