import type { BodyRouter } from '../http-common/routers';
export const xmlrpcRouter: BodyRouter = { id: 'xmlrpc', match: () => false, apply: () => {} };
