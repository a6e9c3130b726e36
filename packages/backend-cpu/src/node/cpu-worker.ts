/** Worker entry (built as dist/cpu-worker.js): serves jobs from the shared memory it is started with. */
import { workerData } from 'node:worker_threads';
import { serveJobs, type WorkerData } from '../threads/worker-loop.js';

serveJobs(workerData as WorkerData);
