// A request refused before its body was read: the answer says `Connection: close`, and the socket is destroyed once
// the answer is handed to the kernel. Left to itself, Node drains the rest of the body into buffers only to drop them,
// so a flood of large anonymous bodies costs the app memory at the rate the flood can send (issue 12). A sender still
// writing its body may then see the connection reset instead of the answer; HubSpot retries a failed delivery.
import type { IncomingMessage, ServerResponse } from 'node:http';

export function closeUnread(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('Connection', 'close');
  res.once('finish', () => req.socket.destroy());
}
