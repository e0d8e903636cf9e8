// Starts the telegram-test-api Bot API emulator on 127.0.0.1:<port> for the end-to-end tests.
const TelegramServer = require('telegram-test-api');

const port = Number(process.argv[2] || 9000);
// A webhook that answers an error makes the emulator reject a promise nobody awaits; keep serving.
process.on('unhandledRejection', (error) => console.error(`emulator: ${error && error.message}`));
const server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 600 });
server.start().then(() => console.log(`emulator listening on ${port}`));
process.on('SIGTERM', () => server.stop().then(() => process.exit(0)));
