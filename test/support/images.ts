/** A real 24×16 PNG, small enough to inline (processing decodes images, so a fake header will not do). */
export const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAABgAAAAQCAIAAACDRijCAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAIElEQVR4nGMwXlVOFcQwapDxaBgZj6ajVaNZZBX5xQgAUrX+ELAtDhAAAAAASUVORK5CYII=', 'base64');
