/* Guests built into hv.efi (see guest/): run when no image is named. */
	.section .rodata
	.balign 16
	.globl guest_tiny_image, guest_tiny_image_size
guest_tiny_image:
	.incbin "build/guest/tiny.bin"
guest_tiny_image_end:
	.balign 8
guest_tiny_image_size:
	.quad guest_tiny_image_end - guest_tiny_image

	.section .note.GNU-stack, "", @progbits
