package dev.keyframe.upload;

public enum UploadState {

	ACTIVE, COMPLETED, ABORTED, EXPIRED

}
