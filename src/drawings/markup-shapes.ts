import type { FieldError } from '../common/errors';
import { ArrayOf, Enum, Named, Num, Obj, Str, Type } from '../common/openapi/schema';

/** Shapes a markup may hold, and points a line of many points may have. */
export const MAX_SHAPES = 500;
export const MAX_POINTS = 2000;
/** Stored size of one markup's shapes (JSON): past it, split the markup. */
export const MAX_SHAPES_BYTES = 256 * 1024;
export const SHAPE_TYPES = ['rectangle', 'ellipse', 'line', 'polyline', 'cloud', 'text'] as const;
export type ShapeType = (typeof SHAPE_TYPES)[number];

export type Shape =
  | { type: 'rectangle' | 'ellipse'; x: number; y: number; width: number; height: number; color: string }
  | { type: 'line'; x1: number; y1: number; x2: number; y2: number; color: string }
  | { type: 'polyline' | 'cloud'; points: [number, number][]; color: string }
  | { type: 'text'; x: number; y: number; text: string; font_size: number; color: string };

const COLOR = /^#[0-9A-Fa-f]{6}$/;
const DEFAULT_COLOR = '#E53935';
const DEFAULT_FONT_SIZE = 24;

const Coord = (what: string) => Num({ minimum: 0, description: `${what}, in PDF points from the sheet's top left (at most the sheet's width or height)` });
const Color = Type.String({ pattern: '^#[0-9A-Fa-f]{6}$', example: '#E53935', description: '`#RRGGBB`' });
const Point = Type.Array(Num({ minimum: 0 }), { minItems: 2, maxItems: 2, description: '[x, y] in PDF points' });

/** The shapes as the API answers them (every field set). */
export const ShapeSchema = Named(
  'MarkupShape',
  Type.Union([
    Obj({ type: Enum(['rectangle', 'ellipse'] as const), x: Coord('Left'), y: Coord('Top'), width: Num({ minimum: 0, description: 'More than 0' }), height: Num({ minimum: 0, description: 'More than 0' }), color: Color }),
    Obj({ type: Enum(['line'] as const), x1: Coord('Start x'), y1: Coord('Start y'), x2: Coord('End x'), y2: Coord('End y'), color: Color }),
    Obj({ type: Enum(['polyline', 'cloud'] as const), points: ArrayOf(Point, { maxItems: MAX_POINTS, description: 'At least 2 points (a cloud: 3, closed)' }), color: Color }),
    Obj({ type: Enum(['text'] as const), x: Coord('Left'), y: Coord('Baseline'), text: Str({ minLength: 1, maxLength: 500 }), font_size: Num({ minimum: 4, maximum: 400 }), color: Color }),
  ]),
);

/** The same shapes as a request takes them (`color` and `font_size` have defaults). */
export const ShapeInput = Named(
  'MarkupShapeInput',
  Type.Union([
    Obj({ type: Enum(['rectangle', 'ellipse'] as const), x: Coord('Left'), y: Coord('Top'), width: Num({ minimum: 0, description: 'More than 0' }), height: Num({ minimum: 0, description: 'More than 0' }), color: Type.Optional(Color) }),
    Obj({ type: Enum(['line'] as const), x1: Coord('Start x'), y1: Coord('Start y'), x2: Coord('End x'), y2: Coord('End y'), color: Type.Optional(Color) }),
    Obj({ type: Enum(['polyline', 'cloud'] as const), points: ArrayOf(Point, { maxItems: MAX_POINTS }), color: Type.Optional(Color) }),
    Obj({ type: Enum(['text'] as const), x: Coord('Left'), y: Coord('Baseline'), text: Str({ minLength: 1, maxLength: 500 }), font_size: Type.Optional(Num({ minimum: 4, maximum: 400 })), color: Type.Optional(Color) }),
  ]),
);

const FIELDS: Record<ShapeType, readonly string[]> = {
  rectangle: ['type', 'x', 'y', 'width', 'height', 'color'],
  ellipse: ['type', 'x', 'y', 'width', 'height', 'color'],
  line: ['type', 'x1', 'y1', 'x2', 'y2', 'color'],
  polyline: ['type', 'points', 'color'],
  cloud: ['type', 'points', 'color'],
  text: ['type', 'x', 'y', 'text', 'font_size', 'color'],
};

/**
 * A markup's shapes as sent: each checked by its type (its own fields, no
 * others, finite numbers inside the sheet of `width` × `height` points), with
 * `color` and `font_size` defaulted. Answers the shapes, or every fault found
 * by field (`shapes[2].width`).
 */
export function parseShapes(value: unknown, sheet: { width: number; height: number }): { shapes: Shape[]; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (!Array.isArray(value)) return { shapes: [], errors: [{ field: 'shapes', message: 'must be a list of shapes' }] };
  if (value.length < 1 || value.length > MAX_SHAPES) return { shapes: [], errors: [{ field: 'shapes', message: `must hold 1 to ${MAX_SHAPES} shapes (it holds ${value.length})` }] };
  const shapes: Shape[] = [];
  value.forEach((raw: unknown, i) => {
    const at = `shapes[${i}]`;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return errors.push({ field: at, message: 'must be an object with a `type`' });
    const s = raw as Record<string, unknown>;
    const type = s.type as ShapeType;
    if (!(SHAPE_TYPES as readonly string[]).includes(String(type))) return errors.push({ field: `${at}.type`, message: `must be one of ${SHAPE_TYPES.join(', ')}` });
    const before = errors.length;
    for (const key of Object.keys(s)) if (!FIELDS[type].includes(key)) errors.push({ field: `${at}.${key}`, message: `is not a field of a ${type}` });
    const coord = (key: string, max: number): number => {
      const v = s[key];
      if (typeof v !== 'number' || !Number.isFinite(v)) errors.push({ field: `${at}.${key}`, message: 'must be a number' });
      else if (v < 0 || v > max) errors.push({ field: `${at}.${key}`, message: `must be between 0 and ${round(max)} (the sheet is ${round(sheet.width)} × ${round(sheet.height)} points)` });
      return v as number;
    };
    const color = s.color === undefined ? DEFAULT_COLOR : String(s.color);
    if (s.color !== undefined && (typeof s.color !== 'string' || !COLOR.test(s.color))) errors.push({ field: `${at}.color`, message: 'must be a colour as #RRGGBB' });
    let shape: Shape | null = null;
    switch (type) {
      case 'rectangle':
      case 'ellipse': {
        const x = coord('x', sheet.width);
        const y = coord('y', sheet.height);
        const width = coord('width', sheet.width);
        const height = coord('height', sheet.height);
        if (width === 0) errors.push({ field: `${at}.width`, message: 'must be more than 0' });
        if (height === 0) errors.push({ field: `${at}.height`, message: 'must be more than 0' });
        if (errors.length === before && (x + width > sheet.width || y + height > sheet.height)) errors.push({ field: at, message: 'reaches past the edge of the sheet' });
        shape = { type, x, y, width, height, color };
        break;
      }
      case 'line':
        shape = { type, x1: coord('x1', sheet.width), y1: coord('y1', sheet.height), x2: coord('x2', sheet.width), y2: coord('y2', sheet.height), color };
        break;
      case 'polyline':
      case 'cloud': {
        const least = type === 'cloud' ? 3 : 2;
        const points = s.points;
        if (!Array.isArray(points) || points.length < least || points.length > MAX_POINTS) {
          errors.push({ field: `${at}.points`, message: `must be a list of ${least} to ${MAX_POINTS} [x, y] points` });
          break;
        }
        const kept: [number, number][] = [];
        for (const [j, p] of points.entries()) {
          if (!Array.isArray(p) || p.length !== 2 || !p.every((n) => typeof n === 'number' && Number.isFinite(n))) {
            errors.push({ field: `${at}.points[${j}]`, message: 'must be [x, y], two numbers' });
            break;
          }
          if (p[0] < 0 || p[0] > sheet.width || p[1] < 0 || p[1] > sheet.height) {
            errors.push({ field: `${at}.points[${j}]`, message: `must lie on the sheet (0–${round(sheet.width)}, 0–${round(sheet.height)})` });
            break;
          }
          kept.push([p[0], p[1]]);
        }
        shape = { type, points: kept, color };
        break;
      }
      case 'text': {
        const text = s.text;
        if (typeof text !== 'string' || text.trim().length === 0 || text.length > 500) errors.push({ field: `${at}.text`, message: 'must be 1 to 500 characters' });
        const size = s.font_size === undefined ? DEFAULT_FONT_SIZE : s.font_size;
        if (typeof size !== 'number' || !Number.isFinite(size) || size < 4 || size > 400) errors.push({ field: `${at}.font_size`, message: 'must be a number between 4 and 400' });
        shape = { type, x: coord('x', sheet.width), y: coord('y', sheet.height), text: String(text), font_size: size as number, color };
        break;
      }
    }
    if (shape && errors.length === before) shapes.push(shape);
    return undefined;
  });
  if (!errors.length && Buffer.byteLength(JSON.stringify(shapes)) > MAX_SHAPES_BYTES) {
    errors.push({ field: 'shapes', message: `hold more than ${MAX_SHAPES_BYTES / 1024} KiB as JSON; split them into several markups` });
  }
  return { shapes, errors: errors.slice(0, 50) };
}

const round = (n: number) => Math.round(n * 100) / 100;
