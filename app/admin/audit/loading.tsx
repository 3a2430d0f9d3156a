export { AdminLoading as default } from '../loading-note';
