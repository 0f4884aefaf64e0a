/** Every violation of the layer rules under `root`, as readable lines; empty when the tree is clean. */
export function findLayerViolations(root: string): string[];
