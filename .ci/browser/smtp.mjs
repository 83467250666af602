// A small SMTP server for the browser tests (plain SMTP, as lettre speaks it to `smtp://`): it
// accepts mail for the recipients `accepts` allows and keeps each message, and refuses the rest
// with a permanent 550, so those messages die in Oxcart's outbox at once.
import { createServer } from 'node:net';

export function smtpServer(accepts) {
  const messages = [];
  const server = createServer((socket) => {
    let buffer = '';
    let data = null;
    let to = [];
    const say = (line) => socket.write(`${line}\r\n`);
    say('220 localhost test SMTP');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      let at;
      while ((at = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        if (data !== null) {
          if (line === '.') { messages.push({ to, raw: data.join('\r\n') }); data = null; to = []; say('250 kept'); } else data.push(line.startsWith('..') ? line.slice(1) : line);
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') say('250 localhost');
        else if (verb === 'MAIL') say('250 ok');
        else if (verb === 'RCPT') {
          const address = (line.match(/<([^>]*)>/) || [])[1] || '';
          if (accepts(address)) { to.push(address); say('250 ok'); } else say('550 no such mailbox here');
        } else if (verb === 'DATA') { data = []; say('354 go on'); } else if (verb === 'RSET') { to = []; say('250 ok'); } else if (verb === 'QUIT') { say('221 bye'); socket.end(); } else say('250 ok');
      }
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    port: server.address().port, messages, close: () => new Promise((r) => server.close(r)),
  })));
}

// The text of a message's plain part, its transfer encoding undone.
export function plainText(raw) {
  const part = raw.split(/\r\n(?=Content-Type: text\/plain)/i).pop();
  const [head, ...rest] = part.split('\r\n\r\n');
  let body = rest.join('\r\n\r\n').split(/\r\n--/)[0];
  if (/Content-Transfer-Encoding: base64/i.test(head)) body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  else if (/Content-Transfer-Encoding: quoted-printable/i.test(head)) {
    body = Buffer.from(body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, x) => String.fromCharCode(parseInt(x, 16))), 'latin1').toString('utf8');
  }
  return body;
}
