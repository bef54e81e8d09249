import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AddressInfo, connect } from 'node:net';
import { multipartBody } from '../../src/uploads/multipart-body';

/**
 * A client that starts a multipart upload over a real socket and drops the
 * connection after `sendBytes` of the body (a phone losing its signal).
 */
export async function dropMidUpload(
  app: NestFastifyApplication,
  o: { url: string; token: string; companyId: number; fileName: string; data: Buffer; sendBytes: number },
): Promise<void> {
  if (!app.getHttpServer().listening) await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const { body, contentType } = multipartBody([{ name: 'file', filename: o.fileName, data: o.data }]);
  await new Promise<void>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `POST ${o.url} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${o.token}\r\nProcore-Company-Id: ${o.companyId}\r\n` +
          `Content-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      socket.write(body.subarray(0, o.sendBytes), () => setTimeout(() => (socket.destroy(), resolve()), 150));
    });
    socket.on('error', reject);
  });
}
