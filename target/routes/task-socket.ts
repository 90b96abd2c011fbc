// The task update socket: a task's progress pushed as it changes, or (with ?rate) a watcher of
// the task's update broadcast at a fixed rate; connection limits and the drop fault.
import type { FastifyInstance } from 'fastify';
import type { TargetConfig } from '../config.ts';
import type { TaskQueue } from '../queue.ts';

type Task = NonNullable<ReturnType<TaskQueue['get']>>;

export function taskSocketRoute(app: FastifyInstance, config: TargetConfig, queue: TaskQueue): void {
  let watchers = 0;
  let openSockets = 0;
  app.get<{ Params: { id: string }; Querystring: { rate?: number; count?: number } }>(
    '/ws/tasks/:id',
    {
      websocket: true,
      schema: {
        querystring: {
          type: 'object',
          properties: {
            rate: { type: 'number', exclusiveMinimum: 0, maximum: 1000 },
            count: { type: 'integer', minimum: 1, maximum: 1_000_000 },
          },
        },
      },
    },
    (socket, request) => {
      // Connection limiting (seed 004 §4.2): one over the limit is told so and closed at once.
      if (config.maxWebSockets > 0 && openSockets >= config.maxWebSockets) {
        if (config.faults.wsRefuseReset) socket.terminate();
        else socket.close(1013, `too many connections: ${openSockets} of ${config.maxWebSockets} open`);
        return;
      }
      openSockets++;
      socket.on('close', () => openSockets--);
      const task = queue.get(request.params.id);
      if (!task) {
        socket.send(JSON.stringify({ error: `no task ${request.params.id}` }));
        socket.close(4404, 'no such task');
        return;
      }
      const { rate, count } = request.query;
      if (rate !== undefined) {
        // A watcher of the task's update broadcast (seed 004 §4.4): `count` updates at `rate` a second,
        // each stamped with when it was sent (Date.now(), as k6 reads its clock), then a normal close. The
        // ws-drop fault cuts every Nth watcher off half-way, as a crashed worker would.
        const total = count ?? Math.ceil(rate * 10);
        const dropAt =
          config.faults.wsDrop > 0 && ++watchers % config.faults.wsDrop === 0 ? Math.ceil(total / 2) : 0;
        let sent = 0;
        const timer = setInterval(() => {
          if (dropAt > 0 && sent === dropAt) {
            clearInterval(timer);
            socket.terminate();
            return;
          }
          const now = queue.get(task.id) ?? task;
          socket.send(
            JSON.stringify({
              task_id: now.id,
              status: now.status,
              progress: now.progress,
              seq: ++sent,
              sent_at: Date.now(),
            }),
          );
          if (sent >= total) {
            clearInterval(timer);
            socket.close(1000, 'done');
          }
        }, 1000 / rate);
        socket.on('close', () => clearInterval(timer));
        return;
      }
      const push = (t: Task) => {
        socket.send(
          JSON.stringify({
            task_id: t.id,
            status: t.status,
            progress: t.progress,
            output_file_id: t.output_file_id,
          }),
        );
        if (t.status === 'completed' || t.status === 'failed') socket.close(1000, t.status);
      };
      push(task);
      if (task.status === 'completed' || task.status === 'failed') return;
      const stop = queue.follow(task.id, push);
      socket.on('close', stop);
    },
  );
}
