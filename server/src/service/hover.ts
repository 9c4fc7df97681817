import type { YamlFile } from './document/yamlFile';
import type { Hover, Position } from './types';

export function doHover(_file: YamlFile, _position: Position): Hover | null {
  return null;
}
