package dev.keyframe.transcode;

public enum JobState {

	PENDING, RUNNING, DONE, FAILED

}
