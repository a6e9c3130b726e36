/**
 * The `dendrite` command line: `summary`, `train` and `models`. `runCli(argv, io)` runs it in-process and
 * returns the exit code, so tests and other tools can drive it; `cli.ts` wires it to the process.
 */
import { ARCHITECTURE_NAMES } from '@dendrite/architectures';
import { currentBackendName, DendriteError } from '@dendrite/core';
import { Command, CommanderError, Option } from 'commander';
import { BACKEND_CHOICES, type BackendChoice, selectBackend } from './backends.js';
import { registerOnnxCommands } from './commands/onnx.js';
import { resumedOptions, runFolderOf, savedRunOptions } from './commands/resume.js';
import { formatSummary, summarizeArchitecture, summaryJson } from './commands/summary.js';
import { trainCommand } from './commands/train.js';
import { visualizeCommand } from './commands/visualize.js';
import { DATA_NAMES } from './datasets.js';
import { parseNonNegativeInt, parsePositiveInt, parsePositiveNumber, parseShape } from './parse.js';
import type { Output } from './progress.js';
import { cliVersion } from './version.js';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Draw progress bars (an interactive terminal). */
  readonly interactive?: boolean;
  readonly stream?: NodeJS.WritableStream;
}

function program(io: CliIo): Command {
  const out: Output = {
    log: (line) => io.stdout(`${line}\n`),
    interactive: io.interactive ?? false,
    stream: io.stream,
  };
  const root = new Command('dendrite')
    .description('Dendrite: deep learning for TypeScript. Summarise and train reference architectures.')
    .version(cliVersion(), '-V, --version', 'print the version of @dendrite/cli')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  root
    .command('summary')
    .description('every layer of an architecture with its output shape, parameters and MACs, and the totals')
    .argument('<model>', `architecture: ${ARCHITECTURE_NAMES.join(', ')}`)
    .option('--classes <n>', 'number of classes (or outputs)', (v) => parsePositiveInt(v, '--classes'))
    .option(
      '--input <shape>',
      'one example, e.g. 224x224x3, 64 (features) or 28x28 (steps x features)',
      (v) => parseShape(v),
    )
    .option('--json', 'print { model, params, macs, outputShape, layers } as JSON')
    .action(async (model: string, o: { classes?: number; input?: number[]; json?: boolean }) => {
      // Building a model allocates its (zero) weights somewhere: the CPU is always there.
      if (!currentBackendName()) await selectBackend('cpu');
      const s = summarizeArchitecture(model, { classes: o.classes, input: o.input });
      io.stdout(`${o.json ? summaryJson(s) : formatSummary(s)}\n`);
    });

  root
    .command('train')
    .description(
      'train an architecture on a data set, with validation each epoch, test metrics and a checkpoint',
    )
    .option(
      '--model <name>',
      'architecture (a classifier, or autoencoder), e.g. mlp, lenet5, resnet20 (required unless --resume)',
    )
    .option(
      '--data <name|path>',
      `${DATA_NAMES.join(', ')}, a .csv file (label last) or a folder of PNGs by class (required unless --resume)`,
    )
    .addOption(
      new Option('--backend <name>', 'where to compute').choices([...BACKEND_CHOICES]).default('cpu'),
    )
    .option('--epochs <n>', 'passes over the training data', (v) => parsePositiveInt(v, '--epochs'), 10)
    .option('--batch <n>', 'examples per step', (v) => parsePositiveInt(v, '--batch'), 32)
    .option('--lr <x>', 'Adam learning rate', (v) => parsePositiveNumber(v, '--lr'), 1e-3)
    .option(
      '--seed <n>',
      'seed of the weights, the split and the shuffles',
      (v) => parseNonNegativeInt(v, '--seed'),
      1,
    )
    .option('--limit <n>', 'use at most n training examples', (v) => parsePositiveInt(v, '--limit'))
    .option(
      '--out <dir>',
      'where to write model.safetensors, history.json and report/ (default checkpoints/<model>-<data>)',
    )
    .option('--no-report', 'skip report/ (the curves, confusion matrix, filters and activation maps)')
    .option(
      '--checkpoint-every <steps>',
      'also save the full training state to <out>/state every n steps (it is saved at each epoch end)',
      (v) => parsePositiveInt(v, '--checkpoint-every'),
    )
    .option(
      '--resume <dir>',
      'continue the run saved in <dir> (its --out folder): bit-identical to an uninterrupted run on the same backend',
    )
    .action(
      async (
        o: {
          model?: string;
          data?: string;
          backend: BackendChoice;
          epochs: number;
          batch: number;
          lr: number;
          seed: number;
          limit?: number;
          out?: string;
          report: boolean;
          checkpointEvery?: number;
          resume?: string;
        },
        command: Command,
      ) => {
        if (o.resume !== undefined) {
          const run = runFolderOf(o.resume);
          // Only what was typed counts against the saved run (not commander's defaults).
          const given: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(o)) {
            if (command.getOptionValueSource(k) === 'cli') given[k] = v;
          }
          await trainCommand(resumedOptions(savedRunOptions(run), given, run), out);
          return;
        }
        if (o.model === undefined || o.data === undefined) {
          command.error('error: train needs --model and --data (or --resume <dir>: continue a saved run)');
        }
        const dataName = o.data.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '');
        await trainCommand(
          {
            ...o,
            model: o.model,
            data: o.data,
            resume: false,
            out: o.out ?? `checkpoints/${o.model}-${dataName}`,
          },
          out,
        );
      },
    );

  root
    .command('visualize')
    .description(
      'the activation maps of an image through every convolution of a trained model, its filters and its prediction',
    )
    .requiredOption('--checkpoint <file>', 'a model.safetensors written by dendrite train')
    .requiredOption('--input <image.png>', 'a PNG image (resized and converted to what the model takes)')
    .requiredOption('--out <dir>', 'where to write index.html and the figures (SVG and PNG)')
    .option('--model <name>', "the architecture (default: the checkpoint's)")
    .addOption(
      new Option('--backend <name>', 'where to compute').choices([...BACKEND_CHOICES]).default('cpu'),
    )
    .option('--channels <n>', 'channels drawn per layer', (v) => parsePositiveInt(v, '--channels'), 16)
    .action(
      async (o: {
        checkpoint: string;
        input: string;
        out: string;
        model?: string;
        backend: BackendChoice;
        channels: number;
      }) => {
        await visualizeCommand(o, out);
      },
    );

  root
    .command('models')
    .description('list the architectures')
    .action(() => io.stdout(`${ARCHITECTURE_NAMES.join('\n')}\n`));
  registerOnnxCommands(root, io);
  return root;
}

/** Runs the command line `argv` (without `node` and the script); returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    await program(io).parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof DendriteError) {
      io.stderr(`error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
