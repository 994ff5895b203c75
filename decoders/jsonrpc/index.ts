import type { BodyRouter } from '../http-common/routers';
export const jsonrpcRouter: BodyRouter = { id: 'jsonrpc', match: () => false, apply: () => {} };
