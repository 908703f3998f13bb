/**
 * The approval's request and messenger draw a delta run's line and tell its chain with the
 * delta-runs capability's blocks; they read them here until the approvals are a folder of their own.
 */
export { chainNoteOf, rerunLine } from '../../capabilities/delta-runs/rerun-blocks.js';
