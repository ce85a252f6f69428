/**
 * Which space the descriptors live in: face-api's ResNet-34 recognition
 * weights (@vladmandic/face-api 1.7.15, sha256 b413e420…) on our crop (face-api's
 * dlib-style square, rotated to level the eyes), without mirror averaging.
 * Change it whenever any of those change, so stored models are retrained
 * rather than silently compared with descriptors from another space.
 */
export const DESCRIPTOR_VERSION = 'faceapi-resnet34-b413e420/dlib-square-levelled/v1';
export const DESCRIPTOR_DIMENSION = 128;
