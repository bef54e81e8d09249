import exifReader from 'exif-reader';
import sharp from 'sharp';

/** The longest side of a thumbnail, in pixels. */
export const THUMBNAIL_PX = 320;

/** The image types processing decodes (HEIC is converted by the simulated pipeline, which has no HEVC decoder). */
export const DECODED_IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/tiff', 'image/gif']);

export interface ImageFacts {
  /** As shown: after the EXIF orientation is applied. */
  width: number;
  height: number;
  orientation: number | null;
  takenAt: Date | null;
  latitude: number | null;
  longitude: number | null;
  thumbnail: { content: Buffer; width: number; height: number };
}

/** Degrees from EXIF's [degrees, minutes, seconds] and its N/S/E/W reference, rounded to the column's 6 places. */
function degrees(dms: unknown, ref: unknown): number | null {
  if (!Array.isArray(dms) || dms.length !== 3 || !dms.every((n) => typeof n === 'number' && Number.isFinite(n))) return null;
  const value = dms[0] + dms[1] / 60 + dms[2] / 3600;
  return Math.round((ref === 'S' || ref === 'W' ? -value : value) * 1e6) / 1e6;
}

/**
 * Decodes an image for real: its size, orientation, EXIF capture time and GPS
 * position, and a JPEG thumbnail turned upright. A file that does not decode
 * (truncated, corrupt) throws with the decoder's reason.
 */
export async function analyzeImage(content: Buffer): Promise<ImageFacts> {
  const image = sharp(content, { failOn: 'truncated' });
  const meta = await image.metadata();
  const thumbnail = await image.clone().rotate().resize(THUMBNAIL_PX, THUMBNAIL_PX, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 80 }).toBuffer({ resolveWithObject: true });
  let takenAt: Date | null = null;
  let latitude: number | null = null;
  let longitude: number | null = null;
  if (meta.exif) {
    try {
      const exif = exifReader(meta.exif);
      const original = exif.Photo?.DateTimeOriginal ?? exif.Image?.DateTime;
      takenAt = original instanceof Date && !Number.isNaN(original.getTime()) ? original : null;
      latitude = degrees(exif.GPSInfo?.GPSLatitude, exif.GPSInfo?.GPSLatitudeRef);
      longitude = degrees(exif.GPSInfo?.GPSLongitude, exif.GPSInfo?.GPSLongitudeRef);
    } catch {
      // unreadable EXIF: the image itself is fine, it just says nothing of when or where
    }
  }
  const turned = (meta.orientation ?? 1) >= 5;
  return {
    width: (turned ? meta.height : meta.width) ?? thumbnail.info.width,
    height: (turned ? meta.width : meta.height) ?? thumbnail.info.height,
    orientation: meta.orientation ?? null,
    takenAt,
    latitude: latitude !== null && Math.abs(latitude) <= 90 ? latitude : null,
    longitude: longitude !== null && Math.abs(longitude) <= 180 ? longitude : null,
    thumbnail: { content: thumbnail.data, width: thumbnail.info.width, height: thumbnail.info.height },
  };
}
