// The smolalbum:// scheme and the session's policy: privileged like https (standard, secure, fetch and
// CSP apply), served by the Node-tested handler in protocol-handler.ts; every response in the session
// carries our CSP; every permission request is denied unless security.ts allows it.
import { protocol, type Session } from 'electron';
import { APP_SCHEME, CONTENT_SECURITY_POLICY, isPermissionAllowed } from './security';
import { createProtocolHandler, type ProtocolDeps } from './protocol-handler';

/** Must run before app 'ready'. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true } },
  ]);
}

export function installSessionPolicy(session: Session, deps: ProtocolDeps): void {
  session.protocol.handle(APP_SCHEME, createProtocolHandler(deps));

  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });

  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(isPermissionAllowed(permission, details.requestingUrl));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => isPermissionAllowed(permission, requestingOrigin));
  // Nothing is ever downloaded into the app window (a dragged link would otherwise save a file).
  session.on('will-download', (event) => event.preventDefault());
}
