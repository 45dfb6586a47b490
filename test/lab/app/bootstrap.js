// Entry of the test application. Shared modules are negotiated before any of them is used: the prebuilt
// (federated) extensions the server lists are loaded and given the share scope first, then the
// application itself is imported, behind this asynchronous boundary, as JupyterLab's own build does.
import { loadFederatedExtensions } from './federated';

void loadFederatedExtensions().then(() => import('./main')).then(({ main }) => main());
